import OpenKoiServer
import Testing

struct WebhookSignerTests {
    /// The Standard Webhooks specification's published test vector.
    @Test func signsTheSpecificationsVector() throws {
        let signer = try WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = signer.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: #"{"test": 2432232314}"#)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func aSecretThatIsNotBase64IsRefusedWithTheKeyToFix() {
        let error = #expect(throws: WebhookSecretError.self) { try WebhookSigner(secret: "whsec_not base64!") }
        #expect(error?.description.contains("[api.webhooks] secret") == true)
    }
}
