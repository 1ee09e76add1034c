import OpenKoiCore
import Testing

@testable import OpenKoiTools

/// Samples are real captures (swift test, cargo, pytest, node on this machine) or copied from each
/// runner's documented output (go, jest, vitest, mocha).
struct TestOutputParserTests {
    @Test func swiftTestWithBothLibraries() throws {
        let output = """
            Test Case 'X.testA' passed (0.001 seconds)
            /tmp/p/Tests/LTests/T.swift:8: error: X.testB : XCTAssertEqual failed: ("1") is not equal to ("5") -
            Test Case 'X.testB' failed (0.0 seconds)
            Test Suite 'X' failed at 2026-11-25 19:48:33.192
            \t Executed 2 tests, with 1 failure (0 unexpected) in 0.002 (0.002) seconds
            Test Suite 'All tests' failed at 2026-11-25 19:48:33.192
            \t Executed 2 tests, with 1 failure (0 unexpected) in 0.002 (0.002) seconds
            ◇ Test run started.
            ✘ Test inSuite() recorded an issue at T.swift:6:35: Expectation failed: (f() → 1) == 3
            ✘ Test "Display name check" recorded an issue at T.swift:5:44: Expectation failed: (f() → 1) == 2
            ✔ Test ok2() passed after 0.001 seconds.
            ✔ Test passes() passed after 0.001 seconds.
            ✘ Test "Display name check" failed after 0.001 seconds with 1 issue.
            ✘ Test inSuite() failed after 0.001 seconds with 2 issues.
            ✘ Suite S failed after 0.001 seconds with 2 issues.
            ✘ Test run with 4 tests in 1 suite failed after 0.002 seconds with 3 issues.
            """
        let summary = try #require(TestOutputParser.parse(output))
        #expect(summary.runners == ["swift-testing", "xctest"])
        #expect(summary.passed == 3)
        #expect(summary.failed == 3)
        #expect(summary.failures == ["Display name check", "inSuite()", "X.testB"])
    }

    @Test func swiftTestingPassingRunAndOlderFormat() throws {
        let passing = try #require(
            TestOutputParser.parse("✔ Test run with 12 tests in 3 suites passed after 0.005 seconds."))
        #expect(passing.passed == 12 && passing.failed == 0)
        let old = try #require(
            TestOutputParser.parse("✘ Test run with 3 tests failed after 0.001 seconds with 1 issue."))
        #expect(old.passed == 2 && old.failed == 1)
    }

    @Test func cargo() throws {
        let output = """
            running 2 tests
            test tests::ok ... ok
            test tests::bad ... FAILED

            failures:
                tests::bad

            test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.18s

               Doc-tests c

            running 3 tests
            test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
            """
        let summary = try #require(TestOutputParser.parse(output))
        #expect(summary.runners == ["cargo"])
        #expect(summary.passed == 4 && summary.failed == 1)
        #expect(summary.failures == ["tests::bad"])
    }

    @Test func goVerboseAndPackageLines() throws {
        let verbose = """
            === RUN   TestA
            --- PASS: TestA (0.00s)
            === RUN   TestB
                x_test.go:10: boom
            --- FAIL: TestB (0.00s)
            === RUN   TestC/sub
                --- PASS: TestC/sub (0.00s)
            FAIL
            FAIL\texample.com/m\t0.002s
            ok  \texample.com/m/sub\t0.001s
            FAIL\texample.com/m/broken [build failed]
            FAIL
            """
        let summary = try #require(TestOutputParser.parse(verbose))
        #expect(summary.runners == ["go"])
        #expect(summary.passed == 2 && summary.failed == 2)
        #expect(summary.failures == ["TestB", "example.com/m/broken [build failed]"])

        let quiet = try #require(
            TestOutputParser.parse(
                "ok  \texample.com/a\t0.1s\nok  \texample.com/b\t0.2s\n?   \texample.com/c\t[no test files]"))
        #expect(quiet.passed == 2 && quiet.failed == 0)
    }

    @Test func pytestAndThePlainSummaryLine() throws {
        let output = """
            .FF                                                                      [100%]
            =================================== FAILURES ===================================
            ____________________________________ test_b ____________________________________
            E       AssertionError: boom
            =========================== short test summary info ============================
            FAILED test_x.py::test_b - AssertionError: boom
            FAILED test_x.py::test_c - ValueError: x
            2 failed, 1 passed in 0.67s
            """
        let summary = try #require(TestOutputParser.parse(output))
        #expect(summary.runners == ["pytest"])
        #expect(summary.passed == 1 && summary.failed == 2)
        #expect(summary.failures == ["test_x.py::test_b", "test_x.py::test_c"])

        let verbose = try #require(
            TestOutputParser.parse("===== 5 passed, 1 error, 2 skipped, 1 warning in 1.20s (0:00:01) ====="))
        #expect(verbose.passed == 5 && verbose.failed == 1)
        let plain = try #require(TestOutputParser.parse("5 passed, 1 failed"))
        #expect(plain.passed == 5 && plain.failed == 1)
        let labelled = try #require(TestOutputParser.parse("Summary: 7 passed, 0 failed, 1 skipped"))
        #expect(labelled.passed == 7 && labelled.failed == 0)
        #expect(TestOutputParser.parse("we passed, the test failed") == nil)
    }

    @Test func jestAndVitest() throws {
        let jest = """
            FAIL src/sum.test.js
              ● math › adds 1 + 2 to equal 4

                expect(received).toBe(expected) // Object.is equality
            Test Suites: 1 failed, 1 total
            Tests:       1 failed, 5 passed, 6 total
            Snapshots:   0 total
            Time:        0.512 s
            """
        let summary = try #require(TestOutputParser.parse(jest))
        #expect(summary.runners == ["jest"])
        #expect(summary.passed == 5 && summary.failed == 1)
        #expect(summary.failures == ["math › adds 1 + 2 to equal 4"])

        let vitest = """
             FAIL  src/a.test.ts > suite > fails here
            AssertionError: expected 1 to be 2
             Test Files  1 failed (1)
                  Tests  1 failed | 4 passed (5)
            """
        let fromVitest = try #require(TestOutputParser.parse(vitest))
        #expect(fromVitest.runners == ["vitest"])
        #expect(fromVitest.passed == 4 && fromVitest.failed == 1)
        #expect(fromVitest.failures == ["src/a.test.ts > suite > fails here"])
    }

    @Test func nodeTestRunnerTapAndSpec() throws {
        let tap = """
            TAP version 13
            # Subtest: adds
            ok 1 - adds
            # Subtest: fails here
            not ok 2 - fails here
              ---
              error: |-
                Expected values to be strictly equal:
              ...
            1..2
            # tests 2
            # pass 1
            # fail 1
            # cancelled 0
            """
        let summary = try #require(TestOutputParser.parse(tap))
        #expect(summary.runners == ["node"])
        #expect(summary.passed == 1 && summary.failed == 1)
        #expect(summary.failures == ["fails here"])

        let spec = """
            ✔ adds (0.5ms)
            ✖ fails here (1.2ms)
            ℹ tests 2
            ℹ pass 1
            ℹ fail 1
            ✖ failing tests:
            ✖ fails here (1.2ms)
            """
        let fromSpec = try #require(TestOutputParser.parse(spec))
        #expect(fromSpec.passed == 1 && fromSpec.failed == 1 && fromSpec.failures == ["fails here"])
    }

    @Test func mocha() throws {
        let output = """
              Array
                ✓ works
                1) fails

              5 passing (12ms)
              1 failing

              1) Array
                   fails:
                 AssertionError: expected 1 to equal 2
            """
        let summary = try #require(TestOutputParser.parse(output))
        #expect(summary.runners == ["mocha"])
        #expect(summary.passed == 5 && summary.failed == 1)
        #expect(summary.failures == ["fails", "Array"])
    }

    @Test func colourCodesAreIgnoredAndUnknownOutputIsNil() throws {
        let coloured = "\u{1B}[32m✔\u{1B}[0m Test run with 2 tests in 1 suite passed after 0.001 seconds."
        #expect(TestOutputParser.parse(coloured)?.passed == 2)
        #expect(TestOutputParser.parse("error: build failed\nsomething else") == nil)
        #expect(TestOutputParser.tail(of: "a\nb\nc\n\n", lines: 2) == "b\nc")
    }
}
