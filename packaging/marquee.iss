; Inno Setup 6 script: the Windows installer of the one-folder build that packaging/marquee.spec makes.
; On Windows: `python packaging\build.py`, then `iscc /DAppVersion=<version> packaging\marquee.iss`
; (build.py prints that line with the version filled in). Output: dist\marquee-<version>-windows-x86_64-setup.exe
; Paths are relative to this file. Not built in CI (no Windows runner): keep it in step with the spec.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{8B0E6C53-2F5D-4C1A-9E7B-4D2A51C3F0A7}
AppName=Marquee
AppVersion={#AppVersion}
AppPublisher=Marquee contributors
DefaultDirName={autopf}\Marquee
DefaultGroupName=Marquee
UninstallDisplayIcon={app}\marquee.exe
OutputDir=..\dist
OutputBaseFilename=marquee-{#AppVersion}-windows-x86_64-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; marquee.exe (the windowed app), marquee-cli.exe (headless commands) and _internal\ with everything they load
Source: "..\dist\marquee\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Marquee"; Filename: "{app}\marquee.exe"
Name: "{group}\{cm:UninstallProgram,Marquee}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Marquee"; Filename: "{app}\marquee.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\marquee.exe"; Description: "{cm:LaunchProgram,Marquee}"; Flags: nowait postinstall skipifsilent
