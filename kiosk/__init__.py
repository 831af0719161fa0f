"""The front-desk kiosk: Textual app, its services and the `mestring` command line."""
