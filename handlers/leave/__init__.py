"""Personal leave (nghỉ phép): /nghi."""
