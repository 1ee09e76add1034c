import Glibc
import OpenKoiCore
import Testing

@testable import OpenKoiTools

struct WorkspaceTests {
    @Test func resolvesRelativeAndAbsolutePathsInside() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("src/a.txt", "x")
        let workspace = try Workspace(root: dir.path)

        let relative = try workspace.resolve("src/a.txt")
        #expect(relative.absolute == dir.url("src/a.txt"))
        #expect(relative.relative == "src/a.txt")
        #expect(try workspace.resolve(dir.url("src/a.txt")).relative == "src/a.txt")
        #expect(try workspace.resolve(".").relative == ".")
        #expect(try workspace.resolve("").relative == ".")
        #expect(try workspace.resolve("src/../src/./a.txt").relative == "src/a.txt")
    }

    @Test func resolvesPathsThatDoNotExistYet() async throws {
        let dir = try TemporaryDirectory()
        let workspace = try Workspace(root: dir.path)
        #expect(try workspace.resolve("new/dir/file.txt").relative == "new/dir/file.txt")
        #expect(try workspace.resolve("new/dir/../file.txt").relative == "new/file.txt")
    }

    @Test func refusesDotDotEscapes() async throws {
        let dir = try TemporaryDirectory()
        let workspace = try Workspace(root: dir.path)
        for path in ["..", "../x.txt", "a/../../x.txt", "missing/../../../etc/passwd"] {
            let error = #expect(throws: WorkspaceError.self) { try workspace.resolve(path) }
            #expect(error?.message.contains("outside the workspace") == true, "\(path)")
        }
    }

    @Test func refusesAbsolutePathsOutside() async throws {
        let dir = try TemporaryDirectory()
        let workspace = try Workspace(root: dir.path)
        let error = #expect(throws: WorkspaceError.self) { try workspace.resolve("/etc/passwd") }
        #expect(error?.message.contains("resolves to '/etc/passwd'") == true)
        // A sibling whose name shares the root's prefix is still outside.
        #expect(throws: WorkspaceError.self) { try workspace.resolve(dir.path + "-sibling/x") }
    }

    @Test func refusesSymlinksThatLeadOutside() async throws {
        let dir = try TemporaryDirectory()
        try dir.symlink("etc", pointingTo: "/etc")
        try dir.symlink("passwd", pointingTo: "/etc/passwd")
        let workspace = try Workspace(root: dir.path)

        let error = #expect(throws: WorkspaceError.self) { try workspace.resolve("etc/passwd") }
        #expect(error?.message.contains("symbolic link") == true)
        #expect(throws: WorkspaceError.self) { try workspace.resolve("passwd") }
        #expect(throws: WorkspaceError.self) { try workspace.resolve("etc/new-file-that-does-not-exist") }
    }

    @Test func refusesDanglingSymlinkToOutsideButFollowsOneInside() async throws {
        let dir = try TemporaryDirectory()
        try dir.symlink("out", pointingTo: "/tmp/openkoi-definitely-missing-dir/file.txt")
        try dir.symlink("in", pointingTo: "sub/later.txt")
        let workspace = try Workspace(root: dir.path)

        #expect(throws: WorkspaceError.self) { try workspace.resolve("out") }
        #expect(try workspace.resolve("in").relative == "sub/later.txt")
    }

    @Test func refusesADanglingLinkReachedThroughAMissingDirectory() async throws {
        let dir = try TemporaryDirectory()
        try dir.symlink("out", pointingTo: "/tmp/openkoi-definitely-missing-dir/file.txt")
        let workspace = try Workspace(root: dir.path)
        #expect(throws: WorkspaceError.self) { try workspace.resolve("missing/../out") }
        #expect(throws: WorkspaceError.self) { try workspace.resolve("missing/../out/deeper.txt") }
    }

    @Test func followsSymlinksThatStayInside() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("real/file.txt", "x")
        try dir.symlink("alias", pointingTo: "real")
        let workspace = try Workspace(root: dir.path)
        #expect(try workspace.resolve("alias/file.txt").relative == "real/file.txt")
    }

    @Test func workspaceGivenThroughASymlinkStillContainsItsFiles() async throws {
        let dir = try TemporaryDirectory()
        try dir.write("root/a.txt", "x")
        try dir.symlink("link-to-root", pointingTo: dir.url("root"))
        let workspace = try Workspace(root: dir.url("link-to-root"))
        #expect(workspace.root == dir.url("root"))
        #expect(try workspace.resolve(dir.url("link-to-root/a.txt")).relative == "a.txt")
    }

    @Test func reportsSymlinkLoops() async throws {
        let dir = try TemporaryDirectory()
        try dir.symlink("loop1", pointingTo: "loop2")
        try dir.symlink("loop2", pointingTo: "loop1")
        let workspace = try Workspace(root: dir.path)
        let error = #expect(throws: WorkspaceError.self) { try workspace.resolve("loop1/x") }
        #expect(error?.message.contains("symbolic link") == true)
    }

    @Test func missingWorkspaceIsAnError() async throws {
        #expect(throws: WorkspaceError.self) { try Workspace(root: "/tmp/openkoi-no-such-workspace-xyz") }
    }
}
