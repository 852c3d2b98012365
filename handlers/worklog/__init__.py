"""Work log: /nhatky, plain text offered as an entry, /cuatoi."""
