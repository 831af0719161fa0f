"""Central administration: CSV import, reports, provisional citizens, retention, audit export."""
