"""The Garmin bridge: the one place this project talks to Garmin, through the pinned,
unmodified ``garminconnect`` package. One JSON request in, one JSON response out."""
