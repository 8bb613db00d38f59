"""The pure core: hiring logic on plain data, importing neither Flask nor the database."""
