; Included by electron-builder's NSIS installer (nsis.include in electron-builder.yml).
; The machine-wide Run key starts the tray in every user's session; the tray's own login item
; (autostart.ts) covers only the user who ran it, and a second start exits at once (single instance).
!macro customInstall
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "DLP Tray" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
!macroend

!macro customUnInstall
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "DLP Tray"
!macroend
