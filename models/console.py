"""Central-only tables of the web console: staff accounts, their signed-in sessions and
uploads waiting between their dry run and their apply."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class ConsoleUser(SQLModel, table=True):
    """A personal console account (administrator or leadership) at central."""

    __tablename__ = "console_user"
    id: str = Field(primary_key=True, max_length=36)
    login: str = Field(unique=True, max_length=80)  # lower-case e-mail or user name
    display_name: str = Field(max_length=120)
    role: str = Field(max_length=16)  # admin | leadership
    password_hash: str = Field(max_length=200)  # argon2id; the password is never stored
    totp_secret: str = Field(max_length=64)  # base32 seed of the second factor
    totp_last_step: int = 0  # last accepted TOTP time step: a code is accepted once
    failed_attempts: int = 0
    locked_until: datetime | None = None
    created_at: datetime
    disabled_at: datetime | None = None
    last_sign_in_at: datetime | None = None
    #: ``issuer|sub`` of the OpenID Connect identity signing in as this account, if linked.
    oidc_subject: str | None = Field(default=None, unique=True, index=True, max_length=300)


class ConsoleSession(SQLModel, table=True):
    """A browser's sign-in; the cookie holds a random token, only its hash is stored."""

    __tablename__ = "console_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="console_user.id", index=True, max_length=36)
    csrf_token: str = Field(max_length=64)
    second_factor_done: bool = False
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None


class ConsolePendingImport(SQLModel, table=True):
    """An uploaded case-system CSV between its dry run and its apply: in the database, not a
    process's memory, so the apply may reach any worker. Kept at most an hour (personal data
    of the export: deleted when applied, and purged an hour after upload)."""

    __tablename__ = "console_pending_import"
    ticket_hash: str = Field(primary_key=True, max_length=64)  # sha256 of the form's ticket
    session_hash: str = Field(index=True, max_length=64)  # the uploading sign-in's token hash
    kind: str = Field(max_length=32)
    raw: bytes
    created_at: datetime = Field(index=True)
