#!/bin/sh
# make-seals.sh - the scanned-looking seals of tests/cli/test-render.sh (issue 10), made with
# ImageMagick 6 (convert) and LXGW WenKai; run from this folder.  The outputs are committed.
set -eu
FONT=/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf
# A red seal as a scanner gives it: no transparency, off-white paper, grain, JPEG at 85.
convert -size 600x600 xc:'rgb(246,244,240)' \
    -fill none -stroke 'rgb(205,35,45)' -strokewidth 16 -draw 'circle 300,300 300,32' \
    -stroke none -fill 'rgb(205,35,45)' -draw 'polygon 300,200 323,270 397,270 337,313 360,383 300,340 240,383 263,313 203,270 277,270' \
    -font "$FONT" -pointsize 54 -annotate +150+480 '百川培训学校' \
    -pointsize 40 -annotate +200+150 '评价专用章' \
    -attenuate 0.4 +noise Gaussian -blur 0x0.6 -quality 85 scanned-seal.jpg
# A seal that would hide text even as ink: a black disc.
convert -size 600x600 xc:white -fill 'rgb(20,20,20)' -draw 'circle 300,300 300,40' \
    -quality 90 dark-seal.jpg
