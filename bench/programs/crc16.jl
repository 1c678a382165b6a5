# CRC-16/XMODEM (poly 0x1021, init 0, bitwise) over b[i] = i - 1: 0x7e55 = 32341.
data = zeros(UInt8, 256)

function crc16(b, n)
    crc = 0x0000
    for i in 1:n
        @inbounds crc ⊻= UInt16(b[i]) << 8
        for k in 1:8
            crc = crc & 0x8000 != 0 ? (crc << 1) ⊻ 0x1021 : crc << 1
        end
    end
    return crc
end

len = Int16(256)
for i in 1:len
    data[i] = (i - 1) % UInt8
end
MARKER[] = 0x01
c = crc16(data, len)
MARKER[] = 0x02
println(c)
