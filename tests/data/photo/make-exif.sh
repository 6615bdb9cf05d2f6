#!/bin/sh
# make-exif.sh - phone-like photos for issue 10, made with ImageMagick 6 (convert) and exiftool
# (libimage-exiftool-perl); run from this folder.  The outputs are committed.
set -eu
# The upright picture: 280 × 392 (5:7, 203 dpi in a 35 × 49 mm slot), white, a red block at
# its top-left and a blue block at its top-right: every turn and mirror puts them elsewhere.
convert -size 280x392 xc:white -fill 'rgb(220,0,0)' -draw 'rectangle 0,0 69,69' \
    -fill 'rgb(0,0,220)' -draw 'rectangle 210,0 279,69' -quality 92 upright.ppm
# orient-N.jpg: the pixels stored as a camera would for EXIF orientation N, tagged N, so that
# shown as the tag says it is the upright picture again (EXIF 2.3, tag 0x0112).
i=1
for op in '' '-flop' '-rotate 180' '-flip' '-transpose' '-rotate 270' '-transverse' '-rotate 90'; do
    # shellcheck disable=SC2086
    convert upright.ppm $op -quality 92 "orient-$i.jpg"
    exiftool -q -overwrite_original -Orientation#=$i "orient-$i.jpg"
    i=$((i + 1))
done
# gps.jpg: orient-6.jpg with what a phone writes: camera, time, GPS position, XMP, a comment.
cp orient-6.jpg gps.jpg
exiftool -q -overwrite_original -Make=PhoneMaker -Model=PhoneModel -DateTimeOriginal='2026:05:01 10:00:00' \
    -GPSLatitude=23.1291 -GPSLatitudeRef=N -GPSLongitude=113.2644 -GPSLongitudeRef=E \
    -XMP-dc:Creator=Holder -IPTC:City=Guangzhou -Comment='phone comment' gps.jpg
# truncated.jpg: a noisy photo (its scan data large) cut after 60 % of its bytes, as a broken
# copy leaves it.
convert -size 280x392 xc:gray +noise Random -quality 90 noisy.jpg
head -c $(($(wc -c <noisy.jpg) * 6 / 10)) noisy.jpg >truncated.jpg
# half-transparent.png: a whole photo at 50 % opacity.
convert -size 280x392 xc:'rgba(200,150,120,0.5)' half-transparent.png
rm -f upright.ppm noisy.jpg
