import FoundationEssentials
import OpenKoiCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `.safetensors` file mapped read-only, with float32 views of its tensors by name.
///
/// Mapping instead of reading keeps the cold start cheap: the 90 MB file is paged in only where
/// the encoder touches it (the word-embedding table is read a few rows at a time). The format is
/// an 8-byte little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}}`,
/// then the raw little-endian data. F16 and BF16 tensors are converted to F32 once, at load.
///
/// `@unchecked Sendable`: after `init` nothing is written: the mapping is `PROT_READ`, the
/// converted copies are filled before `init` returns, and both live until `deinit`.
final class SafetensorsFile: @unchecked Sendable {
    struct Tensor: Sendable, Hashable {
        let dtype: String
        let shape: [Int]
        /// Byte range inside the data section.
        let range: Range<Int>
    }

    let path: String
    let tensors: [String: Tensor]
    private let base: UnsafeRawPointer
    private let length: Int
    private let dataStart: Int
    /// F32 copies of tensors that are stored as F16/BF16 or misaligned, keyed by name.
    private let converted: [String: UnsafeMutableBufferPointer<Float>]

    init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw EmbedderError.corrupt(path, "the file does not exist") }
            throw EmbedderError.unreadable(path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw EmbedderError.unreadable(path, reason: String(cString: strerror(errno)))
        }
        let length = Int(info.st_size)
        guard length >= 8 else {
            throw EmbedderError.corrupt(path, "\(length) bytes, shorter than the 8-byte header length")
        }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw EmbedderError.unreadable(path, reason: "mmap: " + String(cString: strerror(errno)))
        }
        let base = UnsafeRawPointer(mapped)
        do {
            let (tensors, dataStart) = try Self.parseHeader(base, length: length, path: path)
            self.converted = Self.convert(tensors, base: base + dataStart)
            self.tensors = tensors
            self.dataStart = dataStart
        } catch {
            munmap(mapped, length)
            throw error
        }
        self.path = path
        self.base = base
        self.length = length
    }

    deinit {
        for buffer in converted.values { buffer.deallocate() }
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    /// The float32 values of `name`, whose shape must be `shape`. The view points into this
    /// file's mapping: it is valid only while the file is alive (the encoder holds it).
    func floats(_ name: String, shape: [Int]) throws -> UnsafeBufferPointer<Float> {
        guard let tensor = tensors[name] else {
            throw EmbedderError.corrupt(path, "tensor \(name) is missing")
        }
        guard tensor.shape == shape else {
            throw EmbedderError.unsupported(path, "tensor \(name) has shape \(tensor.shape), expected \(shape)")
        }
        if let copy = converted[name] { return UnsafeBufferPointer(copy) }
        guard tensor.dtype == "F32" else {
            throw EmbedderError.unsupported(path, "tensor \(name) is \(tensor.dtype), expected F32, F16 or BF16")
        }
        let start = (base + dataStart + tensor.range.lowerBound).assumingMemoryBound(to: Float.self)
        return UnsafeBufferPointer(start: start, count: tensor.range.count / 4)
    }

    /// Like `floats`, for tensors that must not be empty (every weight of the encoder).
    func pointer(_ name: String, shape: [Int]) throws -> UnsafePointer<Float> {
        guard let start = try floats(name, shape: shape).baseAddress, shape.allSatisfy({ $0 > 0 }) else {
            throw EmbedderError.unsupported(path, "tensor \(name) is empty")
        }
        return start
    }

    private static let elementSize = [
        "F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
        "U8": 1, "BOOL": 1,
    ]

    private static func parseHeader(
        _ base: UnsafeRawPointer, length: Int, path: String
    ) throws -> ([String: Tensor], Int) {
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(length - 8) else {
            throw EmbedderError.corrupt(
                path, "the header claims \(headerLength) bytes but only \(length - 8) follow (truncated?)")
        }
        let dataStart = 8 + Int(headerLength)
        let header = Data(bytes: base + 8, count: Int(headerLength))
        guard let json = JSONValue.parse(header), let entries = json.objectValue else {
            throw EmbedderError.corrupt(path, "the \(headerLength)-byte header is not a JSON object")
        }
        let dataSize = length - dataStart
        var tensors: [String: Tensor] = [:]
        for (name, entry) in entries where name != "__metadata__" {
            guard let dtype = entry["dtype"]?.stringValue, let size = elementSize[dtype],
                let shape = entry["shape"]?.arrayValue?.compactMap({ $0.intValue }),
                shape.count == entry["shape"]?.arrayValue?.count, shape.allSatisfy({ $0 >= 0 }),
                let offsets = entry["data_offsets"]?.arrayValue?.compactMap({ $0.intValue }), offsets.count == 2
            else {
                throw EmbedderError.corrupt(path, "header entry \(name) lacks a known dtype, a shape or data_offsets")
            }
            let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] - offsets[0] == count * size else {
                throw EmbedderError.corrupt(
                    path, "tensor \(name): data_offsets \(offsets) do not hold \(shape) \(dtype) values")
            }
            guard offsets[1] <= dataSize else {
                throw EmbedderError.corrupt(
                    path, "tensor \(name) ends at byte \(offsets[1]) of a \(dataSize)-byte data section (truncated?)")
            }
            tensors[name] = Tensor(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        return (tensors, dataStart)
    }

    /// F32 copies of the half-precision tensors, and of F32 ones not 4-byte aligned in the file.
    private static func convert(
        _ tensors: [String: Tensor], base: UnsafeRawPointer
    ) -> [String: UnsafeMutableBufferPointer<Float>] {
        var converted: [String: UnsafeMutableBufferPointer<Float>] = [:]
        for (name, tensor) in tensors {
            let source = base + tensor.range.lowerBound
            let decode: ((Int) -> Float)?
            switch tensor.dtype {
            case "F16":
                decode = { halfToFloat(source.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
            case "BF16":
                decode = {
                    Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) << 16)
                }
            case "F32" where Int(bitPattern: source) % 4 != 0:
                decode = { source.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
            default:
                decode = nil
            }
            guard let decode else { continue }
            let count = tensor.range.count / (tensor.dtype == "F32" ? 4 : 2)
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
            for i in 0..<count { buffer[i] = decode(i) }
            converted[name] = buffer
        }
        return converted
    }
}

/// IEEE binary16 to Float, by hand: `Float16` is unavailable on x86-64 macOS.
func halfToFloat(_ half: UInt16) -> Float {
    let sign: UInt32 = UInt32(half & 0x8000) << 16
    let exponent = Int((half >> 10) & 0x1F)
    let mantissa = UInt32(half & 0x3FF)
    switch exponent {
    case 0:  // zero or subnormal: mantissa x 2^-24
        return Float(sign: sign == 0 ? .plus : .minus, exponent: -24, significand: Float(mantissa))
    case 31:  // infinity or NaN
        return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
    default:
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }
}
