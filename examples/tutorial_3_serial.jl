# Lesson 3: serial output.  print and println send text over the serial line
# (38400 baud on the Uno); the text of a string literal stays in flash.
using MCU

function hexdigit(n::UInt8)::Char
    n < 0x0a ? Char(0x30 + n) : Char(0x57 + n)       # '0'..'9', 'a'..'f'
end

function printhex(x::UInt16)
    print("0x")
    for shift in 12:-4:0
        print(hexdigit(UInt8((x >> shift) & 0x000f)))
    end
end

const WORDS = UInt16[0x00ff, 0xbeef, 4660]      # a table in flash

println("Hello from the Uno!")
answer = 42
println("answer = $answer, doubled = $(2 * answer)")
println("Int16 wraps: ", typemax(Int16), " + 1 = ", typemax(Int16) + Int16(1))
println("UInt8(200) + UInt8(100) = ", UInt8(200) + UInt8(100))
println("Int32: ", Int32(100_000) * 3)
for v in WORDS
    printhex(v)
    println()
end
println(true, ' ', 'x', ' ', -7)
