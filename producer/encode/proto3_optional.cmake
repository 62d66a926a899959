# SPDX-License-Identifier: Apache-2.0
# proto3_optional.cmake - cmake -DIN=x.proto -DOUT=y.proto -P this: a copy
# of a schemas/*.proto for protoc-c, each proto3 `optional T name = N;`
# written as the one-field oneof `oneof _name { T name = N; }` that protoc
# itself makes of it (a "synthetic oneof"). protobuf-c 1.4 (Debian 12)
# refuses proto3 optional but knows oneofs; the two are the same on the
# wire (the field is written when set, whatever its value), so the code it
# generates writes the bytes the shipped .proto describes.
file(READ "${IN}" text)
string(REGEX REPLACE "([\n ])optional +([A-Za-z0-9_.]+) +([A-Za-z0-9_]+) *= *([0-9]+) *;"
       "\\1oneof _\\3 { \\2 \\3 = \\4; }" text "${text}")
file(WRITE "${OUT}" "${text}")
