# CRC-16 of "123456789" (the standard check input), bit by bit, in two
# variants: CCITT-FALSE (polynomial 0x1021, MSB first, initial 0xffff) and
# ARC (polynomial 0x8005 reflected = 0xa001, LSB first, initial 0).
using MCU

const DATA = UInt8[0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]   # never written: flash

function crc16_ccitt(data::Vector{UInt8})::UInt16
    crc = 0xffff
    for b in data
        crc ⊻= UInt16(b) << 8
        for k in 1:8
            if (crc & 0x8000) != 0
                crc = (crc << 1) ⊻ 0x1021
            else
                crc <<= 1
            end
        end
    end
    crc
end

function crc16_arc(data::Vector{UInt8})::UInt16
    crc = 0x0000
    for b in data
        crc ⊻= UInt16(b)
        for k in 1:8
            crc = isodd(crc) ? (crc >> 1) ⊻ 0xa001 : crc >> 1
        end
    end
    crc
end

function hex4(x::UInt16)
    for shift in 12:-4:0
        d = (x >> shift) & 0x000f
        print(d < 0x000a ? Char(0x0030 + d) : Char(0x0037 + d))
    end
end

print("CRC-16/CCITT-FALSE: 0x")
hex4(crc16_ccitt(DATA))
println(" = ", crc16_ccitt(DATA))
print("CRC-16/ARC: 0x")
hex4(crc16_arc(DATA))
println(" = ", crc16_arc(DATA))
