"""The front-desk kiosk: Textual app, its services and the `mestring` command line."""

import os

# Redraw at up to 120 frames a second (Textual's default is 60): a keystroke then reaches the
# screen within ~10 ms instead of waiting up to two 16 ms frame slots (SPEC §8: p95 ≤ 30 ms).
# Set here so it holds before anything imports Textual; an explicit TEXTUAL_FPS still wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
