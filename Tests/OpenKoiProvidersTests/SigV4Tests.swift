import FoundationEssentials
import OpenKoiCore
import Testing

@testable import OpenKoiProviders

struct SigV4Tests {
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    func signer(token: String? = nil, region: String = "us-east-1", service: String = "service") throws -> AWSSigner {
        let credentials = try #require(
            AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: Self.secret, sessionToken: token))
        return AWSSigner(credentials: credentials, region: region, service: service)
    }

    @Test(arguments: SuiteVector.all)
    func awsTestSuite(_ vector: SuiteVector) throws {
        let amzDate = AWSSigner.amzDate(Self.suiteDate)
        let payloadHash = SHA256.hexHash(Array(vector.body.utf8))
        var headers = vector.headers + [("X-Amz-Date", amzDate)]
        if let token = vector.sessionToken { headers.append(("X-Amz-Security-Token", token)) }
        if vector.signBody { headers.append(("X-Amz-Content-Sha256", payloadHash)) }
        let signature = try signer(token: vector.sessionToken).signature(
            method: vector.method, target: vector.target, headers: headers, payloadHash: payloadHash,
            amzDate: amzDate, normalizePath: vector.normalize)
        #expect(signature.canonicalRequest == vector.canonicalRequest)
        #expect(signature.stringToSign == vector.stringToSign)
        #expect(signature.authorization == vector.authorization)
    }

    @Test func amzDateIsTheBasicISOForm() {
        #expect(AWSSigner.amzDate(Self.suiteDate) == "20150830T123600Z")
        #expect(AWSSigner.amzDate(Date(timeIntervalSince1970: 1_767_225_599)) == "20251231T235959Z")
    }

    /// `sign(_:)` adds exactly the headers get-vanilla's signed request shows, in the form it shows.
    @Test func signingAnHTTPRequestAddsHostDateAndAuthorization() throws {
        let request = HTTPRequest(method: "GET", url: "https://example.amazonaws.com/")
        let signed = try signer().sign(request, at: Self.suiteDate)
        #expect(signed.headers.map(\.name) == ["Host", "X-Amz-Date", "Authorization"])
        #expect(signed.headers.map(\.value) == ["example.amazonaws.com", "20150830T123600Z", vanilla("get-vanilla")])
        #expect(signed.url == request.url)
    }

    /// post-sts-header-before and get-vanilla-with-session-token: the token is sent and signed.
    @Test func sessionTokenIsSentAndSigned() throws {
        for name in ["post-sts-header-before", "get-vanilla-with-session-token"] {
            let vector = try #require(SuiteVector.all.first { $0.name == name })
            let request = HTTPRequest(method: vector.method, url: "https://example.amazonaws.com/")
            let signed = try signer(token: vector.sessionToken).sign(request, at: Self.suiteDate)
            #expect(signed.headers.first { $0.name == "X-Amz-Security-Token" }?.value == vector.sessionToken)
            #expect(signed.headers.last?.value == vector.authorization)
            #expect(vector.authorization.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        }
    }

    /// AWS's own "The Canonical String for this request should have been" text for a ConverseStream call
    /// (quoted in continuedev/continue#9297) shows the model id's `:` as `%253A`: sent as `%3A`, then
    /// encoded again for the canonical URI.
    @Test func bedrockModelIDIsEncodedOnTheWireAndAgainWhenSigned() throws {
        let model = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
        let url =
            "https://bedrock-runtime.us-east-1.amazonaws.com/model/\(AWSSigner.pathSegment(model))/converse-stream"
        #expect(url.hasSuffix("/model/global.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream"))
        let request = HTTPRequest(
            method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Data("{}".utf8))
        let signer = try signer(service: "bedrock")
        let signed = signer.sign(request, at: Self.suiteDate)
        let signature = signer.signature(
            method: "POST", target: "/model/global.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream",
            headers: signed.headers.filter { $0.name != "Authorization" },
            payloadHash: SHA256.hexHash(Array("{}".utf8)),
            amzDate: "20150830T123600Z")
        #expect(
            signature.canonicalRequest.hasPrefix(
                "POST\n/model/global.anthropic.claude-sonnet-4-5-20250929-v1%253A0/converse-stream\n\n"
                    + "content-type:application/json\nhost:bedrock-runtime.us-east-1.amazonaws.com\n"
                    + "x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n"))
        #expect(signed.headers.last?.value == signature.authorization)
        #expect(
            signature.authorization.hasPrefix(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, "
                    + "SignedHeaders=content-type;host;x-amz-date, Signature="))
        // An ARN's `/` is a character of the id, not a path separator.
        #expect(
            AWSSigner.pathSegment("arn:aws:bedrock:us-east-1:1:inference-profile/x")
                == "arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx")
    }

    @Test func hostCarriesThePortAndUnsignedHeadersStayUnsigned() throws {
        let request = HTTPRequest(
            method: "GET", url: "http://127.0.0.1:8123/foundation-models?b=2&a=1",
            headers: [("Accept", "application/json"), ("User-Agent", "openkoi")])
        let signed = try signer().sign(request, at: Self.suiteDate, includePayloadHash: true)
        #expect(signed.headers.first { $0.name == "Host" }?.value == "127.0.0.1:8123")
        #expect(
            signed.headers.first { $0.name == "X-Amz-Content-Sha256" }?.value
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let authorization = try #require(signed.headers.last?.value)
        #expect(authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"))
    }

    @Test func canonicalPieces() {
        #expect(AWSSigner.canonicalQuery("b=2&a=%7e&a=1&flag") == "a=1&a=~&b=2&flag=")
        #expect(AWSSigner.canonicalQuery("q=a b+c") == "q=a%20b%2Bc")
        #expect(AWSSigner.canonicalURI("", normalize: true) == "/")
        #expect(AWSSigner.canonicalURI("/a/./b/../c/", normalize: true) == "/a/c/")
        #expect(AWSSigner.canonicalURI("/a%2Fb", normalize: true) == "/a%252Fb")
        #expect(RequestTarget(url: "https://user@host.example:8443/x?y=1#frag").host == "host.example:8443")
        #expect(RequestTarget(url: "https://host.example?y=1").target == "/?y=1")
    }

    @Test func credentialsNeverPrintTheirSecrets() throws {
        let credentials = try #require(
            AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Self.secret, sessionToken: "tok-12345")
        )
        let printed = ["\(credentials)", String(reflecting: credentials), "\(try signer(token: "tok-12345"))"]
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in printed + [dumped] {
            #expect(!text.contains(Self.secret))
            #expect(!text.contains("tok-12345"))
        }
        #expect(credentials.description == "AWSCredentials(…MPLE, secret [redacted], session token [redacted])")
        #expect(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "  ") == nil)
    }

    private func vanilla(_ name: String) -> String {
        SuiteVector.all.first { $0.name == name }?.authorization ?? ""
    }
}
