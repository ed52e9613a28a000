"""Paper tabletop artefacts: exercise scripts (MSEL, chronogramme) imported and exported,
and the log skeleton."""
