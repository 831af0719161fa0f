"""The `mestring` command line: a neutral root that each area registers its commands into."""
