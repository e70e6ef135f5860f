"""The sandbox's routes, one module per area of the TFC API."""
