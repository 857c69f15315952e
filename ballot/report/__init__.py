"""What leaves the meeting room (docs/bundle.md; docs/rules.md): the certified bundle,
its verification, the Vietnamese minutes (PDF) and the proposal spreadsheet.

Pure: plain data in, bytes or results out; no Flask, no database.
"""
