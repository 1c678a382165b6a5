\ Plain Forth works too: jlforth run examples/hello.fs
: greet ( -- )  ." hello from the Uno" cr ;
: squares ( n -- )  1+ 1 ?do i dup * . loop cr ;
greet
10 squares
