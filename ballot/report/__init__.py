"""What leaves the meeting room (issue 5; DESIGN 2.6 and 3): the certified bundle,
its verification, the Vietnamese minutes (PDF) and the proposal spreadsheet.

Pure: plain data in, bytes or results out; no Flask, no database.
"""
