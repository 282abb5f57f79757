"""The shared building blocks every content app uses: the publication workflow and
content registry, caching, images, Markdown, lists and pagination, spreadsheets, admin
bases. They import no app and no module of the site shell (``portal``'s other modules),
so that the apps can build on them; ``make lint`` checks it (import-linter)."""
