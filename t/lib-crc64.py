# t/lib-crc64.py: crc64(data), the CRC-64 (Jones polynomial, reflected)
# that ends a DUMP payload, for tests that build or damage payloads:
#   exec(open(os.environ["TEST_DIRECTORY"] + "/lib-crc64.py").read())


def crc64(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x95ac9329ac4bc9b5 if crc & 1 else crc >> 1
    return crc
