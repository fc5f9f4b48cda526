"""The project on disk: its configuration and limits, reading and writing files
safely, finding specs in folders, and the result cache."""
