"""Reports in the state's document format asked for in the chat (/baocao tháng, đợt)."""
