#!/usr/bin/python3
# make-xlsx.py - write the .xlsx fixtures of tests/unit/test-xlsx.c and tests/cli/test-check.sh
# with two real spreadsheet writers from Debian (python3-xlsxwriter, python3-openpyxl):
#   /usr/bin/python3 tests/data/records/make-xlsx.py tests/data/records
#
# workbook.xlsx (XlsxWriter: shared strings, as Excel writes them), sheet 名单: a title row
# (merged, as offices write it) above the header in row 2; IDs stored as text and one stored as
# a number (Excel shows 4.40104E+17); a level stored as the number 4; dates as a serial in a
# built-in format (14), in a custom format yyyy"年"m"月"d"日", with a time (Excel's 2026-12-18
# 00:00:00), and as text; a number in a plain format; an empty row (6).  Sheet 第二批: one record,
# for --sheet.
# workbook-inline.xlsx (openpyxl: inline strings), the same first rows, dates 1904-based.
import datetime
import sys

import openpyxl
import xlsxwriter

out = sys.argv[1]
HEADER = ["姓名", "身份证号码", "职业名称", "工种", "等级", "发证日期", "照片"]
PHOTO = "440104199003121232.jpg"
D = datetime.datetime(2026, 12, 18)

wb = xlsxwriter.Workbook(f"{out}/workbook.xlsx")
ws = wb.add_worksheet("名单")
iso = wb.add_format({"num_format": 14})  # built-in m/d/yyyy (Chinese Excel: yyyy/m/d)
cn = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
dt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
ws.merge_range("A1:G1", "2026年11月职业技能等级认定合格人员名单")
ws.write_row(1, 0, HEADER)
ws.write_row(2, 0, ["张伟", "440104199003121013", "电工", "", "四级/中级工"])
ws.write_datetime(2, 5, D, iso)
ws.write_string(2, 6, PHOTO)
ws.write_row(3, 0, ["李龑", "440104199003121021", "焊工", "电焊工"])
ws.write_number(3, 4, 4)
ws.write_datetime(3, 5, D, cn)
ws.write_string(3, 6, PHOTO)
ws.write_row(4, 0, ["王芳"])
ws.write_number(4, 1, 440104199003121048)  # an ID typed into a number-formatted column
ws.write_row(4, 2, ["电工", "", "三级（高级工）"])
ws.write_datetime(4, 5, D, dt)
ws.write_string(4, 6, PHOTO)
ws.write_row(6, 0, ["  赵敏　", "44010419900312103X", "电工", "", "Ⅳ级", "2026.12.18", PHOTO])
ws.set_column(1, 1, 22)
ws2 = wb.add_worksheet("第二批")
ws2.write_row(0, 0, ["姓名", "证件号码", "职业名称", "职业技能等级"])
ws2.write_row(1, 0, ["陈明", "110105198001010016", "保育师", "五级"])
wb.close()

wb = openpyxl.Workbook()
wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
ws = wb.active
ws.title = "Sheet1"
ws.append(HEADER)
ws.append(["张伟", "440104199003121013", "电工", "", "四级/中级工", D.date(), PHOTO])
ws["F2"].number_format = "yyyy-mm-dd"
wb.save(f"{out}/workbook-inline.xlsx")
