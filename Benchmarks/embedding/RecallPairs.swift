/// The labelled set for recall quality: developer task descriptions in pairs.
///
/// Related pairs describe the same underlying problem in different words (few shared content
/// words, on purpose: lexical overlap would make any embedder look good). Unrelated pairs are
/// two tasks about different things, so their cosine is the floor a related pair must clear.
enum RecallPairs {
    static let related: [(String, String)] = [
        (
            "Tests fail with ModuleNotFoundError: No module named 'requests' when running pytest in CI",
            "The CI job can't import the requests package, so pytest aborts during collection"
        ),
        (
            "Fix the off-by-one error in pagination: the last page is always missing one item",
            "When listing results page by page, the final entry never shows up"
        ),
        (
            "Memory usage keeps growing in the long-running worker until it is OOM-killed",
            "The background daemon leaks RAM and the kernel eventually terminates it"
        ),
        (
            "Add retry with exponential backoff to the HTTP client when the server returns 503",
            "Calls to the API should be attempted again with increasing delays after service-unavailable responses"
        ),
        (
            "Dates are parsed in the wrong timezone, so events show up one hour early",
            "Timestamps are off by an hour because the UTC conversion is missing when we read them"
        ),
        (
            "Rename the function getUserData to fetchUserProfile across the codebase",
            "Change the definition and every call site of getUserData to use the new name fetchUserProfile"
        ),
        (
            "The login form accepts an empty password and submits it to the server",
            "Validate the sign-in inputs so that a blank password is rejected before sending"
        ),
        (
            "Speed up the slow SQL query on the orders table by adding an index on customer_id",
            "Looking up purchases by client takes seconds; the database needs an index for that column"
        ),
        (
            "Docker build fails because the python:3.8-slim base image no longer has working apt sources",
            "The container image won't build: apt-get update errors out in the old Debian-based Python image"
        ),
        (
            "Race condition: two threads increment the counter at the same time and updates are lost",
            "Concurrent increments of the shared count sometimes disappear; it needs a lock or an atomic"
        ),
        (
            "Implement run-length encoding for strings, e.g. aaabb becomes 3a2b",
            "Write a function that compresses repeated characters into count-and-letter pairs"
        ),
        (
            "The CSV export breaks when a field contains a comma or a newline",
            "Exported spreadsheet rows are split wrongly if a value has a separator or line break in it"
        ),
        (
            "Segmentation fault when the C extension receives a null pointer from Python",
            "The native module crashes with SIGSEGV if it is passed None"
        ),
        (
            "Upgrade the project from Python 3.8 to 3.12 and fix the deprecation warnings",
            "Move the codebase to the latest interpreter release and clean up the obsolete API usage it complains about"
        ),
        (
            "The React component re-renders on every keystroke and the page becomes sluggish",
            "Typing in the input makes the UI laggy because the view updates far too often"
        ),
        (
            "Git merge conflict in package-lock.json after rebasing onto main",
            "Rebasing my branch left the npm lockfile in a conflicted state"
        ),
        (
            "Add a --verbose flag to the CLI that prints debug logging",
            "The command-line tool needs an option for more detailed diagnostic output"
        ),
        (
            "Unicode filenames are garbled when uploading files on Windows",
            "Uploaded documents with accented or non-Latin names end up with broken characters on Windows clients"
        ),
        (
            "Cache the results of the expensive exchange-rate lookup for ten minutes",
            "Avoid calling the currency conversion service on every request by remembering its answer briefly"
        ),
        (
            "The cron job that sends the daily report email did not run last night",
            "Yesterday's scheduled summary mail never went out; check the periodic task"
        ),
    ]

    static let unrelated: [(String, String)] = [
        ("Write unit tests for the markdown parser", "Configure TLS certificates for the nginx reverse proxy"),
        ("Translate the error messages into German", "Optimize thumbnail generation so it uses less CPU"),
        ("Add a dark mode to the settings page", "Fix the integer overflow in the checksum calculation"),
        ("Migrate the user table to add a last_login column", "Document the public API of the geometry module"),
        ("Set up a GitHub Actions workflow that publishes releases", "The audio player skips when seeking backwards"),
        ("Implement a binary search tree with insert and delete", "Update the copyright year in the license headers"),
        ("Reduce the Docker image size with a multi-stage build", "Validate email addresses in the signup form"),
        ("Profile why the game drops frames during explosions", "Add pagination to the admin list of invoices"),
        ("Parse ISO 8601 durations like PT1H30M", "Replace the deprecated jQuery calls in the dashboard"),
        ("Add OAuth login with Google accounts", "Compute the median of a stream of numbers efficiently"),
        (
            "Fix the flaky end-to-end test for the checkout page",
            "Write a script that renames photos by their EXIF date"
        ),
        (
            "Support right-to-left languages in the text editor",
            "Tune the garbage collector settings of the JVM service"
        ),
        ("Expose Prometheus metrics for request latency", "Convert the README from reStructuredText to Markdown"),
        (
            "Add a slugify helper that turns titles into URL paths",
            "Investigate packet loss between the two data centers"
        ),
        ("Make the mobile layout responsive on small screens", "Encrypt the backup files before uploading them to S3"),
        (
            "Refactor the payment module to use dependency injection",
            "Draw a histogram of response sizes in the notebook"
        ),
        ("Handle SIGTERM gracefully in the worker process", "Add spell checking to the comment box"),
        ("Generate a sitemap.xml for the blog", "Fix the deadlock between the cache lock and the database lock"),
        ("Port the deployment shell script to PowerShell", "Detect duplicate customer records with fuzzy matching"),
        ("Add keyboard shortcuts to the video editor", "Limit the API to 100 requests per minute per user"),
    ]

    /// Every text once: the related pairs' first and second halves, then the unrelated texts.
    static var allTexts: [String] {
        related.map(\.0) + related.map(\.1) + unrelated.flatMap { [$0.0, $0.1] }
    }

    /// 50 task-length texts (two descriptions run together, ~20–40 words) for the latency runs.
    static var taskLengthTexts: [String] {
        let texts = allTexts
        return (0..<50).map { texts[$0 % texts.count] + ". Also: " + texts[($0 * 7 + 3) % texts.count] }
    }
}
