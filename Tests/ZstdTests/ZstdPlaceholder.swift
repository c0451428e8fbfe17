import Zstd
