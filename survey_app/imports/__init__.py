"""Staff page importing a Google Forms or spreadsheet export: upload, check the mapping, store."""
