"""/caidat: where notifications go and how difficulties reach a supervisor."""
