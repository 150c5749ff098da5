"""The ground floor: what every room shares. Imports nothing else from insights."""
