extension OpenKoiCommand {
    /// `openkoi --help` at 80 columns, printed without starting ArgumentParser (DESIGN.md §4 fast path).
    /// `HelpTextTests` keeps it equal to what ArgumentParser generates, so it cannot drift.
    static let helpText = """
        OVERVIEW: Self-iterating AI agent: plan, execute, evaluate, refine until the
        quality bar is met.

        Examples:
          openkoi "What is the capital of France?"
          openkoi -m openai/gpt-4.1 -i 5 "add input validation to src/api.py" --yes
          openkoi batch tasks.jsonl --concurrency 4 > results.jsonl
          openkoi bench suite.jsonl -m openai/gpt-4.1 -m local/qwen2.5-coder-1.5b

        Task options go before or after the task words:
          -m, --model provider/model   -i, --iterate N      -q, --quality 0..1
          --quiet  --json  --stdin  --yes  --config PATH  --workspace DIR
          --budget USD  --budget-tokens N  --timeout SECONDS
        See 'openkoi help run' for details.

        Exit codes:
          0 accepted (also best-of-N and plateau)   1 failed   64 usage error
          3 regression   4 token budget   5 cost budget   6 timeout
          7 tool loop   130 cancelled

        USAGE: openkoi <subcommand>

        OPTIONS:
          --version               Show the version.
          -h, --help              Show help information.

        SUBCOMMANDS:
          run (default)           Run one task (the default command).
          batch                   Run tasks from a JSONL file concurrently.
          bench                   Compare models and iteration settings on a task suite
                                  (pass rate per iteration, cost).
          models                  List the models of every available provider (context
                                  window, prices, tools).
          connect                 Log in to Copilot or ChatGPT, or save a provider's
                                  API key.
          disconnect              Remove a stored login or API key (or all of them).
          doctor                  Check providers, credentials, MCP commands, the
                                  sandbox and file permissions.
          init                    Create OpenKoi's directories and show what is set up.
          skills                  List skills and evaluators with their source,
                                  eligibility and effectiveness.
          setup                   Set OpenKoi up (init + doctor), or with --migrate
                                  only migrate the database.
          status                  Show the set-up, models per role, skills, memory and
                                  activity (--costs: spend).
          migrate                 Apply pending database migrations (--status: only
                                  show them).
          export                  Export learnings, sessions, patterns or tasks.
          learn                   Review the patterns mined from your tasks and the
                                  skills proposed for them.
          daemon                  Run the REST task queue in the background (start,
                                  stop, status).

          See 'openkoi help <subcommand>' for detailed help.
        """
}
