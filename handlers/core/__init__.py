"""The kernel every feature uses: message model, turn, steps, dates, working calendar, texts."""
