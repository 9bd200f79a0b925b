import { CONSOLE_PATH } from './console-paths.js';

/**
 * The console's one HTML document: a static shell with no data in it. The page's modules (served
 * from `assets/`) sign in, call the API and render everything with DOM text nodes.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>casim console</title>
<link rel="stylesheet" href="${CONSOLE_PATH}/console.css">
<link rel="icon" href="data:,">
<script type="module" src="${CONSOLE_PATH}/assets/main.js"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="top-bar">
  <span class="brand">casim <span class="brand-sub">Cloud Assistant console</span></span>
  <span id="session-slot"></span>
</header>
<div id="notices" class="notices" role="status" aria-live="polite"></div>
<main id="main" tabindex="-1"><noscript>The console needs JavaScript.</noscript></main>
</body>
</html>
`;
