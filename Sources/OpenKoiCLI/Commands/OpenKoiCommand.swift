public enum OpenKoiCommand {
    public static func main() {}
}
