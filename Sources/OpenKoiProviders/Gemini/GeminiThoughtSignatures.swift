import OpenKoiCore

/// The thought signatures Gemini attached to its function calls, by tool-call id, so the next request
/// can send each one back on the call it came with (Gemini 3 rejects a history without them, and 2.5
/// reasons worse).
///
/// `ToolCall` has no field for provider data, so the signature cannot travel with the call through the
/// conversation; the provider keeps it here instead, shared by every copy of the provider value. Calls
/// from another process or provider have none and get `GeminiThoughtSignatures.foreign` instead.
final class GeminiThoughtSignatures: Sendable {
    /// The value Google documents for function calls Gemini did not produce in this conversation.
    static let foreign = "skip_thought_signature_validator"

    /// Enough for any one conversation's calls; the oldest are forgotten first, so memory stays bounded
    /// over a long daemon run.
    static let capacity = 1024

    private struct Entries: Sendable {
        var byID: [String: String] = [:]
        var order: [String] = []
    }

    private let entries = LockedValue(Entries())

    func record(_ signature: String, for callID: String) {
        entries.withLock { entries in
            if entries.byID.updateValue(signature, forKey: callID) == nil { entries.order.append(callID) }
            if entries.order.count > Self.capacity {
                entries.byID[entries.order.removeFirst()] = nil
            }
        }
    }

    func signature(for callID: String) -> String? {
        entries.withLock { $0.byID[callID] }
    }
}

/// Ids for Gemini's function calls, which often come without one.
enum GeminiToolCallID {
    /// The id Gemini sent, else `call_<index>_<name>`; a signed call also gets a hash of its signature,
    /// so the same call in a later reply (which has its own signature) gets a different id.
    static func make(sent: String?, index: Int, name: String, signature: String?) -> String {
        if let sent, !sent.isEmpty { return sent }
        let base = "call_\(index)_\(name)"
        return signature.map { base + "_" + fnv1a32Hex($0) } ?? base
    }

    /// True for ids `make` invented: those are not sent back to Gemini, which never saw them.
    static func isSynthetic(_ id: String, name: String) -> Bool {
        guard id.hasPrefix("call_") else { return false }
        let rest = id.dropFirst("call_".count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix("_" + name) else { return false }
        let tail = rest.dropFirst(digits.count + 1 + name.count)
        return tail.isEmpty || (tail.count == 9 && tail.hasPrefix("_") && tail.dropFirst().allSatisfy(\.isHexDigit))
    }

    /// 32-bit FNV-1a as 8 hex digits: stable across runs, unlike `Hasher`.
    static func fnv1a32Hex(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
