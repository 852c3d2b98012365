"""/xuat: the Excel workbook of a period, from the chat."""
