import FoundationEssentials
import Glibc
import OpenKoiCore
import OpenKoiTesting
import Testing

@testable import OpenKoiTools

/// The promises of `[tools] sandbox`, checked through `run_command` and test runs as a model would
/// meet them. bubblewrap is installed by `scripts/install-deps.sh`; without it these fail loudly.
struct CommandSandboxTests {
    /// A home with a secret in openkoi's data dir and an SSH key, plus an API key in the environment.
    final class Fixture {
        let workspace: TemporaryDirectory
        let home: TemporaryDirectory
        let outside: TemporaryDirectory

        init() throws {
            workspace = try TemporaryDirectory()
            home = try TemporaryDirectory()
            // Outside /tmp and home, which the sandbox replaces with private copies: a real directory
            // the command can see but must not write.
            outside = try TemporaryDirectory(template: "/var/tmp/openkoi-sandbox-outside-XXXXXX")
            try home.write(".openkoi/credentials/openai.key", "sk-home-secret")
            try home.write(".ssh/id_ed25519", "PRIVATE KEY")
            try home.write("notes.txt", "home notes")
        }

        var environment: [String: String] {
            [
                "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8",
                "OPENAI_API_KEY": "sk-env-secret", "DATABASE_URL": "postgres://u:hunter2@db/x", "PROJECT_MODE": "demo",
            ]
        }

        func sandbox(_ mode: SandboxMode, network: Bool = false, passing: [String] = []) -> CommandSandbox {
            CommandSandbox(
                mode: mode, allowsNetwork: network, passedVariables: passing,
                hiddenPaths: [home.url(".openkoi")], environment: environment)
        }

        func box(_ sandbox: CommandSandbox) -> BuiltinToolBox {
            BuiltinToolBox(
                workspace: workspace.path, toolOutputDir: outside.url("tool-output"), policy: .allowAll,
                commandTimeout: 30, sandbox: sandbox)
        }

        func run(_ command: String, in mode: SandboxMode = .workspaceWrite, network: Bool = false) async -> String {
            await box(sandbox(mode, network: network)).call("run_command", ["command": .string(command)]).content
        }
    }

    @Test func bubblewrapIsInstalled() {
        #expect(CommandSandbox().launcher != nil, "install bubblewrap: scripts/install-deps.sh")
    }

    @Test func writesLandInTheWorkspaceOnly() async throws {
        let f = try Fixture()
        let outsideFile = f.outside.url("escaped.txt")
        let output = await f.run(
            "echo kept > made.txt; ls \(f.outside.path) && echo x > \(outsideFile); "
                + "echo y > /tmp/scratch && cat /tmp/scratch; echo z > $HOME/planted; echo done")
        #expect(output.hasPrefix("Exit code: 0"))
        #expect(output.contains("\(outsideFile): Read-only file system"))
        #expect(output.contains("\ny\n"))
        #expect(f.workspace.read("made.txt") == "kept\n")
        #expect(!FileManager.default.fileExists(atPath: outsideFile))
        #expect(!f.home.exists("planted"))
    }

    @Test func readOnlyModeProtectsTheWorkspaceToo() async throws {
        let f = try Fixture()
        try f.workspace.write("main.py", "print(1)\n")
        let output = await f.run("cat main.py; echo changed > main.py", in: .readOnly)
        #expect(output.contains("print(1)"))
        #expect(output.contains("Read-only file system"))
        #expect(f.workspace.read("main.py") == "print(1)\n")
    }

    @Test func theParentsEnvironmentAndSecretsAreNotVisible() async throws {
        let f = try Fixture()
        let output = await f.run(
            "env; tr '\\0' '\\n' < /proc/$PPID/environ; tr '\\0' '\\n' < /proc/1/environ; "
                + "cat /proc/\(getpid())/environ; ls -a $HOME; "
                + "cat \(f.home.url(".openkoi/credentials/openai.key")) \(f.home.url(".ssh/id_ed25519"))")
        for secret in ["sk-env-secret", "hunter2", "sk-home-secret", "PRIVATE KEY", "notes.txt", "PROJECT_MODE"] {
            #expect(!output.contains(secret), "\(secret) leaked:\n\(output)")
        }
        #expect(output.contains("HOME=\(f.home.path)"))
        #expect(output.contains("LANG=C.UTF-8"))
    }

    @Test func configuredVariablesArePassedIn() async throws {
        let f = try Fixture()
        let outcome = await f.box(f.sandbox(.workspaceWrite, passing: ["PROJECT_MODE"])).call(
            "run_command", ["command": "echo mode=$PROJECT_MODE key=$OPENAI_API_KEY"])
        #expect(outcome.content == "Exit code: 0\nmode=demo key=\n")
    }

    @Test func theNetworkIsOffUnlessAllowed() async throws {
        let server = try LoopbackHTTPServer { _ in .full(text: "reachable") }
        defer { server.shutdown() }
        let f = try Fixture()
        let fetch =
            "python3 -c \"import urllib.request as u; print(u.urlopen('\(server.baseURL)/', timeout=5).read())\""
        let blocked = await f.run(fetch + " 2>&1 | tail -1")
        #expect(!blocked.contains("reachable"))
        #expect(blocked.contains("Connection refused") || blocked.contains("unreachable"))
        let allowed = await f.run(fetch, network: true)
        #expect(allowed.contains("b'reachable'"))
    }

    @Test func nothingStartedByTheCommandSurvivesIt() async throws {
        let f = try Fixture()
        let marker = "sleep 1233.\(getpid())"
        let output = await f.run("setsid sh -c 'exec \(marker)' & echo started")
        #expect(output.contains("started"))
        // The namespace's init exited with the command, and the kernel killed what was left in it.
        // The sandbox's PID namespace is torn down by the kernel once bwrap's init dies, which may
        // finish just after the call returns under load: wait for each process's exit, boundedly.
        let survivors = try await Subprocess(.argv(["pgrep", "-f", marker])).run()
        let pids = survivors.output.split(separator: "\n").compactMap { Int32($0.trimmed) }
        let alive = pids.filter { !processHasExited($0) }
        #expect(alive.isEmpty, "left running: \(alive)")
    }

    @Test func theParentsProcessesAreNotVisible() async throws {
        let f = try Fixture()
        let output = await f.run("ls /proc | grep -c '^[0-9]'")
        let count = try #require(Int(output.split(separator: "\n").last.map(String.init) ?? ""))
        #expect(count < 10, "saw \(count) processes")
    }

    @Test func testRunsAreSandboxedToo() async throws {
        let f = try Fixture()
        let outsideFile = f.outside.url("from-test.txt")
        let check = TestCommandCheck(
            workspace: f.workspace.path,
            configuredCommand: "env > seen-env.txt; echo leak > \(outsideFile); echo '1 passed'", timeout: 30,
            enabled: true, policy: .refuseAll, sandbox: f.sandbox(.workspaceWrite))
        let report = try #require(await check.run())
        #expect(report.exitCode == 0)
        let seen = try #require(f.workspace.read("seen-env.txt"))
        #expect(seen.contains("CI=true"))
        #expect(!seen.contains("sk-env-secret") && !seen.contains("hunter2"))
        #expect(!FileManager.default.fileExists(atPath: outsideFile))
    }

    @Test func aMissingBubblewrapRefusesToRunAndSaysHowToFixIt() async throws {
        let f = try Fixture()
        var sandbox = f.sandbox(.workspaceWrite)
        sandbox.launcher = nil
        let outcome = await f.box(sandbox).call("run_command", ["command": "touch ran.txt"])
        #expect(outcome.isError)
        #expect(outcome.content.contains("bubblewrap"))
        #expect(outcome.content.contains("--sandbox off"))
        #expect(!f.workspace.exists("ran.txt"))
        let check = TestCommandCheck(
            workspace: f.workspace.path, configuredCommand: "touch ran.txt", timeout: 30, enabled: true,
            policy: .allowAll, sandbox: sandbox)
        #expect(check.refusal?.contains("bubblewrap") == true)
    }

    @Test func offRunsWithoutNamespacesButStillWithoutCredentialVariables() async throws {
        let f = try Fixture()
        var sandbox = f.sandbox(.off)
        sandbox.launcher = nil
        let output = await f.box(sandbox).call(
            "run_command",
            ["command": .string("echo x > \(f.outside.url("off.txt")); echo mode=$PROJECT_MODE key=$OPENAI_API_KEY")]
        ).content
        #expect(output == "Exit code: 0\nmode=demo key=\n")
        #expect(f.outside.read("off.txt") == "x\n")
    }
}

extension CommandSandboxTests {
    /// 0.5 s: the command is running; 0.01 s: bwrap is most likely still setting the sandbox up,
    /// when its --die-with-parent does not yet hold (the sandbox used to outlive the call then).
    @Test(arguments: [0.5, 0.01])
    func aTimeoutKillsEverythingInTheSandbox(_ seconds: Double) async throws {
        let f = try Fixture()
        let marker = "sleep 12\(Int(seconds * 100)).\(getpid())"
        let outcome = await f.box(f.sandbox(.workspaceWrite)).call(
            "run_command", ["command": .string("\(marker) & exec \(marker)"), "timeout_seconds": .number(seconds)])
        #expect(outcome.isError && outcome.content.contains("timed out after"), "\(outcome.content)")
        // The sandbox's PID namespace is torn down by the kernel once bwrap's init dies, which may
        // finish just after the call returns under load: wait for each process's exit, boundedly.
        let survivors = try await Subprocess(.argv(["pgrep", "-f", marker])).run()
        let pids = survivors.output.split(separator: "\n").compactMap { Int32($0.trimmed) }
        let alive = pids.filter { !processHasExited($0) }
        #expect(alive.isEmpty, "left running: \(alive)")
    }
}
