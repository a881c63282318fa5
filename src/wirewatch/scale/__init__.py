"""Scale-out mode (docs/deploy.md): a scheduler and N workers sharing PostgreSQL and Redis."""
