"""
    MCU

Lets jlforth programs run unchanged on desktop Julia:

    using MCU          # first line of every jlforth program

* hardware registers become plain `Ref`s of the register's width
  (`PORTB[] |= 0x20` works and converts exactly as on the target);
* `delay_ms(n)` sleeps, `millis()` counts milliseconds since the module loaded
  (as a `UInt32`, wrapping like the target's counter);
* `@forth "words"` cannot run here: it throws unless `MCU.FORTH_NOOP[] = true`,
  in which case the statement form does nothing; the expression form
  `@forth(T, "words", args...)` always throws.

Note: desktop Julia's `Int` is Int64 while the target's is Int16; see
docs/language.md ("Int is Int16") for the differences this can make.
"""
module MCU

export delay_ms, millis, @forth
# ATmega328P registers (8-bit unless noted)
export PINB, DDRB, PORTB, PINC, DDRC, PORTC, PIND, DDRD, PORTD,
       TCCR0A, TCCR0B, TCNT0, OCR0A, OCR0B, TIMSK0, TIFR0,
       TCCR1A, TCCR1B, TCCR1C, TCNT1, OCR1A, OCR1B, ICR1, TIMSK1, TIFR1,
       TCCR2A, TCCR2B, TCNT2, OCR2A, OCR2B,
       ADCSRA, ADCSRB, ADMUX, ADC, DIDR0,
       UDR0, UCSR0A, UCSR0B, UCSR0C, UBRR0,
       SPCR, SPSR, SPDR, TWBR, TWSR, TWAR, TWDR, TWCR,
       EICRA, EIMSK, EIFR, PCICR, PCMSK0, PCMSK1, PCMSK2, SREG, MCUSR, WDTCSR

const PINB = Ref{UInt8}(0);   const DDRB = Ref{UInt8}(0);   const PORTB = Ref{UInt8}(0)
const PINC = Ref{UInt8}(0);   const DDRC = Ref{UInt8}(0);   const PORTC = Ref{UInt8}(0)
const PIND = Ref{UInt8}(0);   const DDRD = Ref{UInt8}(0);   const PORTD = Ref{UInt8}(0)
const TCCR0A = Ref{UInt8}(0); const TCCR0B = Ref{UInt8}(0); const TCNT0 = Ref{UInt8}(0)
const OCR0A = Ref{UInt8}(0);  const OCR0B = Ref{UInt8}(0)
const TIMSK0 = Ref{UInt8}(0); const TIFR0 = Ref{UInt8}(0)
const TCCR1A = Ref{UInt8}(0); const TCCR1B = Ref{UInt8}(0); const TCCR1C = Ref{UInt8}(0)
const TCNT1 = Ref{UInt16}(0); const OCR1A = Ref{UInt16}(0); const OCR1B = Ref{UInt16}(0)
const ICR1 = Ref{UInt16}(0)
const TIMSK1 = Ref{UInt8}(0); const TIFR1 = Ref{UInt8}(0)
const TCCR2A = Ref{UInt8}(0); const TCCR2B = Ref{UInt8}(0); const TCNT2 = Ref{UInt8}(0)
const OCR2A = Ref{UInt8}(0);  const OCR2B = Ref{UInt8}(0)
const ADCSRA = Ref{UInt8}(0); const ADCSRB = Ref{UInt8}(0); const ADMUX = Ref{UInt8}(0)
const ADC = Ref{UInt16}(0);   const DIDR0 = Ref{UInt8}(0)
const UDR0 = Ref{UInt8}(0);   const UCSR0A = Ref{UInt8}(0); const UCSR0B = Ref{UInt8}(0)
const UCSR0C = Ref{UInt8}(0); const UBRR0 = Ref{UInt16}(0)
const SPCR = Ref{UInt8}(0);   const SPSR = Ref{UInt8}(0);   const SPDR = Ref{UInt8}(0)
const TWBR = Ref{UInt8}(0);   const TWSR = Ref{UInt8}(0);   const TWAR = Ref{UInt8}(0)
const TWDR = Ref{UInt8}(0);   const TWCR = Ref{UInt8}(0)
const EICRA = Ref{UInt8}(0);  const EIMSK = Ref{UInt8}(0);  const EIFR = Ref{UInt8}(0)
const PCICR = Ref{UInt8}(0);  const PCMSK0 = Ref{UInt8}(0); const PCMSK1 = Ref{UInt8}(0)
const PCMSK2 = Ref{UInt8}(0)
const SREG = Ref{UInt8}(0);   const MCUSR = Ref{UInt8}(0);  const WDTCSR = Ref{UInt8}(0)

const START_NS = Ref{UInt64}(0)

function __init__()
    START_NS[] = time_ns()
    nothing
end

"""
    delay_ms(ms::Integer)

Wait `ms` milliseconds (0 to 65535, as on the target, where larger values raise an
InexactError).
"""
function delay_ms(ms::Integer)
    n = convert(UInt16, ms)          # same range check as the target
    sleep(n / 1000)
    nothing
end

"""
    millis()::UInt32

Milliseconds since start-up, wrapping around after 2^32 like the target's counter.
"""
millis() = ((time_ns() - START_NS[]) ÷ 1_000_000) % UInt32

"If true, the statement form of `@forth` does nothing instead of throwing."
const FORTH_NOOP = Ref(false)

struct ForthOnTarget <: Exception
    text::String
end

Base.showerror(io::IO, e::ForthOnTarget) =
    print(io, "@forth \"", e.text, "\" can only run on the target (set MCU.FORTH_NOOP[] = true to skip it)")

_forth_stmt(text::AbstractString) = FORTH_NOOP[] ? nothing : throw(ForthOnTarget(String(text)))
_forth_expr(::Type, text::AbstractString, args...) = throw(ForthOnTarget(String(text)))

"""
    @forth "words"
    @forth(T, "words", args...)

Inline Forth for the target. The statement form has stack effect ( -- ); the
expression form pushes `args` left to right, runs the words and takes one value of
type `T` from the stack. Neither can run on desktop Julia.
"""
macro forth(text)
    :(_forth_stmt($(esc(text))))
end

macro forth(T, text, args...)
    :(_forth_expr($(esc(T)), $(esc(text)), $(map(esc, args)...)))
end

end # module
