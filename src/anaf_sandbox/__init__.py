"""A faithful local stand-in for ANAF: logincert OAuth pages, FCTEL REST, public services."""
