\ jlforth's own tester for Hayes-style tests:  { code -> expected results }
\ Written for jlforth (MIT); follows the convention of John Hayes' tester.
variable depth-mark   variable #results   variable bad
variable #tests   0 #tests !   variable #errors   0 #errors !
create results 16 cells allot
: testing ( "text" -- ) 0 parse 2drop ;
: drop-to-mark ( -- ) begin depth depth-mark @ > while drop repeat ;
: failed ( c-addr u -- ) type source type cr  1 #errors +!  drop-to-mark ;
: { ( -- ) depth depth-mark ! ;
: -> ( x* -- ) depth depth-mark @ - dup #results !
   0 ?do results i cells + ! loop ;
: wrong? ( -- f ) depth depth-mark @ - #results @ <> ;
: compare ( x* -- ) 0 bad !
   #results @ 0 ?do results i cells + @ <> bad @ or bad ! loop ;
: } ( x* -- ) 1 #tests +!
   wrong? if s" WRONG NUMBER OF RESULTS: " failed exit then
   compare bad @ if s" INCORRECT RESULT: " failed then ;
