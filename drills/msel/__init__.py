"""Exercise scripts (MSEL, chronogramme): import a spreadsheet, export one for paper."""
