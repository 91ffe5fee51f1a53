"""Who may do what: roles and permissions, single sign-on, the rules of signing in."""
