"""The supervisors' monitor page: static HTML, CSS and JavaScript modules, no build step."""
