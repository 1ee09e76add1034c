import Testing

@testable import OpenKoiMemory

/// Builds a .safetensors file: 8-byte little-endian header length, JSON header, data.
private func safetensors(_ tensors: [(name: String, dtype: String, shape: [Int], data: [UInt8])], pad: Int = 0)
    -> [UInt8]
{
    var entries: [String] = []
    var data: [UInt8] = []
    for tensor in tensors {
        let shape = tensor.shape.map(String.init).joined(separator: ",")
        entries.append(
            "\"\(tensor.name)\":{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(data.count),\(data.count + tensor.data.count)]}")
        data += tensor.data
    }
    let header =
        Array(("{\"__metadata__\":{\"format\":\"pt\"}," + entries.joined(separator: ",") + "}").utf8)
        + Array(repeating: UInt8(ascii: " "), count: pad)
    var length = UInt64(header.count)
    var bytes: [UInt8] = []
    for _ in 0..<8 {
        bytes.append(UInt8(length & 0xFF))
        length >>= 8
    }
    return bytes + header + data
}

private func f32(_ values: [Float]) -> [UInt8] { VectorIndex.blob(values) }

/// A tensor's values copied out while its file is open (the views point into the file's mapping).
private func values(_ file: SafetensorsFile, _ name: String, _ shape: [Int]) throws -> [Float] {
    try withExtendedLifetime(file) { try Array(file.floats(name, shape: shape)) }
}

private func u16(_ values: [UInt16]) -> [UInt8] { values.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

struct SafetensorsFileTests {
    @Test func readsFloat32TensorsByName() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "m.safetensors",
            safetensors([
                ("bias", "F32", [3], f32([1, -2, 0.5])), ("weight", "F32", [2, 2], f32([1, 2, 3, 4])),
                ("ids", "I64", [1], Array(repeating: 0, count: 8)),
            ]))
        let file = try SafetensorsFile(path: path)
        #expect(try values(file, "weight", [2, 2]) == [1, 2, 3, 4])
        #expect(try values(file, "bias", [3]) == [1, -2, 0.5])
        #expect(file.tensors["ids"]?.dtype == "I64")
    }

    @Test func halfPrecisionIsConvertedOnce() throws {
        let directory = try TemporaryDirectory()
        // 1, -2.5, 65504 (largest), 2^-14 (smallest normal), 2^-24 (smallest subnormal), -0
        let half: [UInt16] = [0x3C00, 0xC100, 0x7BFF, 0x0400, 0x0001, 0x8000]
        // bfloat16 is the top half of a float32: 1, -2.5, 3.140625
        let brain: [UInt16] = [0x3F80, 0xC020, 0x4049]
        let path = try directory.write(
            "m.safetensors", safetensors([("h", "F16", [6], u16(half)), ("b", "BF16", [3], u16(brain))]))
        let file = try SafetensorsFile(path: path)
        let h = try values(file, "h", [6])
        #expect(h == [1, -2.5, 65504, 0x1p-14, 0x1p-24, 0])
        #expect(h[5].sign == .minus)
        #expect(try values(file, "b", [3]) == [1, -2.5, 3.140625])
    }

    @Test func misalignedFloatDataIsStillRead() throws {
        let directory = try TemporaryDirectory()
        for pad in 0..<4 {
            let path = try directory.write(
                "m\(pad).safetensors", safetensors([("w", "F32", [3], f32([7, 8, 9]))], pad: pad))
            #expect(try values(SafetensorsFile(path: path), "w", [3]) == [7, 8, 9])
        }
    }

    @Test func wrongShapesAndMissingTensorsAreNamed() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("m.safetensors", safetensors([("w", "F32", [2, 2], f32([1, 2, 3, 4]))]))
        let file = try SafetensorsFile(path: path)
        let shape = try #require(throws: EmbedderError.self) { try file.floats("w", shape: [4]) }
        #expect(shape.description == "\(path): tensor w has shape [2, 2], expected [4]")
        let missing = try #require(throws: EmbedderError.self) { try file.floats("v", shape: [4]) }
        #expect(missing.description.hasPrefix("\(path) is damaged: tensor v is missing"))
    }

    @Test func truncatedAndCorruptFilesAreClearErrors() throws {
        let directory = try TemporaryDirectory()
        let good = safetensors([("w", "F32", [4], f32([1, 2, 3, 4]))])
        let cases: [(name: String, bytes: [UInt8], says: String)] = [
            ("empty", [], "0 bytes, shorter than the 8-byte header length"),
            ("short", [1, 2, 3], "3 bytes, shorter than the 8-byte header length"),
            ("cut-header", Array(good.prefix(20)), "the header claims"),
            ("cut-data", Array(good.dropLast(4)), "tensor w ends at byte 16 of a 12-byte data section (truncated?)"),
            ("not-json", [4, 0, 0, 0, 0, 0, 0, 0] + Array("nope".utf8), "header is not a JSON object"),
            ("huge-length", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array("{}".utf8), "the header claims"),
        ]
        for item in cases {
            let path = try directory.write(item.name, item.bytes)
            let error = try #require(throws: EmbedderError.self) { try SafetensorsFile(path: path) }
            #expect(error.description.hasPrefix("\(path) is damaged: "), "\(item.name)")
            #expect(error.description.contains(item.says), "\(item.name): \(error)")
            #expect(error.description.hasSuffix("run scripts/embedder/install.sh to reinstall it"))
        }
        let absent = try #require(throws: EmbedderError.self) { try SafetensorsFile(path: directory.path + "/absent") }
        #expect(absent.description.contains(directory.path + "/absent"))
    }
}
