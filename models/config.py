"""Settings: one object loaded in the composition root and passed down (env prefix MESTRING_)."""

import sys
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_home() -> Path:
    return Path.home() / ".mestring"


class Settings(BaseSettings):
    """Everything configurable. Environment variables use the ``MESTRING_`` prefix."""

    model_config = SettingsConfigDict(env_prefix="MESTRING_", extra="ignore")

    home: Path = Field(default_factory=default_home)
    db_url: str = ""  # central database; default: SQLite in home
    kiosk_db_url: str = ""  # kiosk database; default: SQLite in home
    server_url: str = ""  # central server the kiosk syncs with
    language: str = "da"
    idle_lock_seconds: int = 120
    #: The locked screen answers a scan without a name; a site may decide to show first names.
    lock_screen_first_names: bool = False
    lockout_failures: int = 5
    lockout_minutes: int = 5
    undo_minutes: int = 5
    clear_after_checkin_seconds: float = 4.0
    sync_interval_seconds: int = 300  # background sync while central is unreachable
    #: While central answers: sync this soon after a local write, and poll at least this often.
    sync_after_write_seconds: float = 3.0
    sync_poll_seconds: float = 30.0
    max_offline_days: int = 60  # tombstones are kept this long; older cursors get 410
    event_retention_days: int = 30  # kiosk events kept this long after central confirmed
    audit_retention_days: int = 183
    #: Kiosk attendance marks are kept longer than other events: the roster's "5 of 7"
    #: counts a participant's marks over the whole group course (acknowledged ones only).
    attendance_retention_days: int = 183
    #: Central events (visits, marks, contacts, queue): the municipality's policy; 0 = keep.
    central_event_retention_days: int = 0
    max_clock_skew_seconds: int = 300
    #: Central API processes serving one database, on every machine together (``mestring
    #: central serve --workers N`` sets it): limits kept per process are divided by it.
    api_processes: int = Field(default=1, ge=1, le=64)
    sync_retries: int = 6  # attempts per request before a sync session gives up
    sync_retry_base_seconds: float = 0.25  # backoff base; waits are U(0, base·2^n), capped

    #: Console sign-in through the municipality's OpenID Connect provider (off by default).
    console_oidc_enabled: bool = False
    console_oidc_discovery_url: str = ""  # https://…/.well-known/openid-configuration
    console_oidc_client_id: str = ""
    console_oidc_client_secret: str = ""
    console_oidc_redirect_url: str = ""  # https://central…/admin/sign-in/oidc/callback
    #: The ID-token claim naming the person's groups or roles, and which value gives which
    #: console role (``{"mestring-admins": "admin", "ledelse": "leadership"}``).
    console_oidc_role_claim: str = "groups"
    console_oidc_roles: dict[str, str] = Field(default_factory=dict)

    def central_db_url(self) -> str:
        return self.db_url or f"sqlite:///{self.home / 'central.db'}"

    def kiosk_database_url(self) -> str:
        return self.kiosk_db_url or f"sqlite:///{self.home / 'kiosk.db'}"

    @property
    def credential_path(self) -> Path:
        return self.home / "device.credential"

    def ensure_home(self) -> Path:
        """The data directory, 0700 with every file in it 0600 (a home made before this
        rule is tightened once, and the operator is told on stderr)."""
        from models.filemodes import private_dir, tighten_tree  # not loaded with Settings

        private_dir(self.home)
        changed = tighten_tree(self.home)
        if changed:
            sys.stderr.write(
                f"mestring: {len(changed)} files/folders in {self.home} were readable by "
                "other users; tightened to 0600/0700\n"
            )
        return self.home
