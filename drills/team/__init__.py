"""Who responds in a drill: members, roles, shifts, response times and habits."""
