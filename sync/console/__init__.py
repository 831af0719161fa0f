"""The central web console for the administrator and leadership (mounted at /admin)."""
