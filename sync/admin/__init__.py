"""Central administration: CSV import, reports, provisional citizens, retention, audit export."""

#: The kinds `mestring central import` takes, in dependency order (``kinds.KINDS`` defines
#: each; kept here so the command line lists them without loading the tables).
IMPORT_KINDS = ("citizens", "staff", "groups", "sessions", "enrolments", "courses", "appointments")
